"""A tiny app for tests/test_auth_page.py: the login form, the logged-in user, and a page for the 应急办 only."""

import streamlit as st

from firedash.access import Role
from ui import auth

user = auth.current_user()
if user is None:
    auth.login_form()
else:
    st.markdown(f"已登录：{user.name}")
    auth.logout_button(user)
    if st.toggle("打开应急办页面", key="admin_page"):
        auth.require(Role.OFFICE_ADMIN)
        st.markdown("应急办页面内容")
