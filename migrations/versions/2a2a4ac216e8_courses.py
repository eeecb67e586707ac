"""Courses: sections, lessons, access and progress

Revision ID: 2a2a4ac216e8
Revises: 0863cbaf2453
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2a2a4ac216e8"
down_revision = "0863cbaf2453"
branch_labels = None
depends_on = None


def _fk(table, columns, target, target_columns):
    name = f"fk_{table}_{'_'.join(columns)}_{target}"
    return sa.ForeignKeyConstraint(
        columns, [f"{target}.{c}" for c in target_columns], name=op.f(name)
    )


def _tenant_fk(table):
    return _fk(table, ["tenant_id"], "tenants", ["id"])


def _course_fk(table):
    return _fk(table, ["tenant_id", "course_id"], "courses", ["tenant_id", "id"])


def upgrade():
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("open_to_all", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _tenant_fk("courses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_courses_tenant_id_id")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_courses_tenant_status_title", ["tenant_id", "status", "title"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_courses_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "course_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _course_fk("course_sections"),
        _tenant_fk("course_sections"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_sections")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_course_sections_tenant_id_id")),
    )
    with op.batch_alter_table("course_sections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_sections_tenant_course",
            ["tenant_id", "course_id", "position"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_course_sections_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "course_lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _course_fk("course_lessons"),
        _fk(
            "course_lessons",
            ["tenant_id", "section_id"],
            "course_sections",
            ["tenant_id", "id"],
        ),
        _tenant_fk("course_lessons"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_lessons")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_course_lessons_tenant_id_id")),
    )
    with op.batch_alter_table("course_lessons", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_lessons_tenant_course", ["tenant_id", "course_id"], unique=False
        )
        batch_op.create_index(
            "ix_course_lessons_tenant_section",
            ["tenant_id", "section_id", "position"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_course_lessons_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "course_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _fk(
            "course_attachments",
            ["tenant_id", "lesson_id"],
            "course_lessons",
            ["tenant_id", "id"],
        ),
        _tenant_fk("course_attachments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_attachments")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_course_attachments_tenant_id_id")),
    )
    with op.batch_alter_table("course_attachments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_attachments_tenant_lesson", ["tenant_id", "lesson_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_course_attachments_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "course_accounts",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        _course_fk("course_accounts"),
        _fk(
            "course_accounts",
            ["tenant_id", "account_id"],
            "client_accounts",
            ["tenant_id", "id"],
        ),
        _tenant_fk("course_accounts"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "course_id", "account_id", name=op.f("pk_course_accounts")
        ),
    )
    with op.batch_alter_table("course_accounts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_accounts_tenant_account", ["tenant_id", "account_id"], unique=False
        )

    op.create_table(
        "course_tags",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=50), nullable=False),
        _course_fk("course_tags"),
        _tenant_fk("course_tags"),
        sa.PrimaryKeyConstraint("tenant_id", "course_id", "tag", name=op.f("pk_course_tags")),
    )
    with op.batch_alter_table("course_tags", schema=None) as batch_op:
        batch_op.create_index("ix_course_tags_tenant_tag", ["tenant_id", "tag"], unique=False)

    op.create_table(
        "course_contacts",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        _course_fk("course_contacts"),
        _fk("course_contacts", ["tenant_id", "contact_id"], "contacts", ["tenant_id", "id"]),
        _tenant_fk("course_contacts"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "course_id", "contact_id", name=op.f("pk_course_contacts")
        ),
    )
    with op.batch_alter_table("course_contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_contacts_tenant_contact", ["tenant_id", "contact_id"], unique=False
        )

    op.create_table(
        "course_progress",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("last_opened_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        _course_fk("course_progress"),
        _fk(
            "course_progress",
            ["tenant_id", "lesson_id"],
            "course_lessons",
            ["tenant_id", "id"],
        ),
        _fk("course_progress", ["tenant_id", "contact_id"], "contacts", ["tenant_id", "id"]),
        _tenant_fk("course_progress"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "contact_id", "lesson_id", name=op.f("pk_course_progress")
        ),
    )
    with op.batch_alter_table("course_progress", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_progress_tenant_course_contact",
            ["tenant_id", "course_id", "contact_id"],
            unique=False,
        )


def downgrade():
    for table in (
        "course_progress",
        "course_contacts",
        "course_tags",
        "course_accounts",
        "course_attachments",
        "course_lessons",
        "course_sections",
        "courses",
    ):
        op.drop_table(table)
