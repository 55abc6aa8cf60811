"""The cache's keys start with a digest of the code and templates: after a deploy that changes
either, no server reads a page part or an evaluation the code before it wrote."""

from cecportal.settings.base import code_digest


def tree(root, template="<p>{{ x }}</p>", module="X = 1\n"):
    (root / "app").mkdir(exist_ok=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "views.py").write_text(module)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "page.html").write_text(template)
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "__init__.py").write_text("")
    return root


def test_a_changed_template_or_module_changes_the_digest(tmp_path):
    before = code_digest(tree(tmp_path))
    assert code_digest(tmp_path) == before  # the same files, the same digest
    assert code_digest(tree(tmp_path, template="<p>{{ y }}</p>")) != before
    assert code_digest(tree(tmp_path, module="X = 2\n")) != code_digest(tree(tmp_path))


def test_tests_and_other_files_leave_it_alone(tmp_path):
    before = code_digest(tree(tmp_path))
    (tmp_path / "tests" / "test_more.py").write_text("def test(): pass\n")
    (tmp_path / "app" / "notes.txt").write_text("anything")
    (tmp_path / "README.md").write_text("# readme")
    assert code_digest(tmp_path) == before
