"""merge the one outbox, ledger integrity and command store branches

Revision ID: 0008
Revises: 0005, 0006, 0007
"""

revision = "0008"
down_revision = ("0005", "0006", "0007")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
