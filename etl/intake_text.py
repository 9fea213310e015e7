"""The Chinese messages of the store's safe-keeping commands (load queue, backups, undo, restore), in one place."""

from __future__ import annotations

WAITING_FOR_LOAD = "另一个导入正在进行，等待其完成…"
DRY_RUN_HEADING = "试导入（--dry-run）：以下是导入将得到的结果，数据库、备份和存档均未改动"
STORE_MISSING = "数据库不存在：{store}（请先导入台账：python -m etl load --db {store} 台账文件…）"
STORE_UNREADABLE = "无法打开数据库 {store}：{error}"
NEEDS_YES = "需要确认：在终端中运行会询问，脚本中请加 --yes"
CANCELLED = "已取消，数据库未作改动"
CONFIRM = "{question}[y/N] "

# python -m etl imports
IMPORTS_EMPTY = "数据库中还没有导入记录"
IMPORTS_HEADER = "编号  导入时间             文件（读取/新增/更新/未变/暂存行数）"
IMPORTS_LINE = "#{id:<4} {loaded_at}  {file}（{rows_read}/{rows_new}/{rows_updated}/{rows_unchanged}/{rows_rejected}）{mark}"
IMPORTS_UNDONE_MARK = " —— 已于 {undone_at} 撤销"

# python -m etl undo
UNDO_QUESTION = "撤销导入 #{id}「{file}」？将按原顺序重放其余 {replayed} 个文件重建数据库。"
UNDO_UNKNOWN = "没有编号为 {id} 的导入（用 python -m etl imports 查看）"
UNDO_ALREADY = "导入 #{id}「{file}」已于 {undone_at} 撤销，无需再次撤销"
UNDO_MISSING_COPY = "无法撤销：以下导入的文件副本不在存档中，无法重放（数据库未作改动）：{files}"
UNDO_REPLAY_REFUSED = "无法撤销：重放「{file}」时未能导入（{reason}），数据库未作改动"
UNDO_DONE = (
    "✓ 已撤销导入 #{id}「{file}」：从{base}重放 {replayed} 个文件，隐患 {before} → {after} 处"
    "（撤销前的数据库已备份为 {backup}）"
)
UNDO_BASE_EMPTY = "空库"
UNDO_BASE_BACKUP = "备份 {backup} "

# python -m etl restore
BACKUPS_EMPTY = "没有备份（每次导入、撤销、恢复改动数据库前都会自动备份）"
BACKUPS_HEADER = "备份编号          原因    导入数  隐患数  最后导入的文件"
BACKUP_LINE = "{id:<17} {reason:<6} {imports:>6}  {tickets:>6}  {last_file}"
BACKUP_REASONS = {"load": "导入前", "undo": "撤销前", "restore": "恢复前"}
BACKUP_UNKNOWN = "没有编号为 {id} 的备份（不带参数运行 python -m etl restore 查看）"
BACKUP_UNREADABLE = "备份 {id} 无法打开：{error}"
RESTORE_QUESTION = "用备份 {id}（{imports} 个导入，{tickets} 处隐患）替换当前数据库？"
RESTORE_DONE = "✓ 已恢复备份 {id}：隐患 {before} → {after} 处（恢复前的数据库已备份为 {backup}）"
