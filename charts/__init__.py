"""Plotly figures for the dashboard: pure functions from metric DataFrames to Figures, no Streamlit."""
