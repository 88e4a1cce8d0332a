"""The IVIg patient guide's own code: its Markdown blocks, its emergency guard and its page checks.

Nothing in this package imports MkDocs. The hooks in ``hooks/`` adapt MkDocs
events to these functions, and the same functions run standalone on any built
folder (``python -m ivig_guide.emergency check site``).
"""
