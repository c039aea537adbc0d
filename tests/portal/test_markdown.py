"""Trainers' Markdown becomes safe HTML with an outline that starts under the page title."""

from portal.markdown import render_markdown


def test_headings_start_at_h2_whatever_level_the_author_chose():
    assert str(render_markdown("# Plan\n\ntext")).strip() == "<h2>Plan</h2>\n<p>text</p>"
    assert str(render_markdown("### Plan")).strip() == "<h2>Plan</h2>"


def test_skipped_heading_levels_are_closed_up():
    html = str(render_markdown("## Plan\n\n#### Steps\n\n## Results\n\n###### Notes")).strip()
    assert html == "<h2>Plan</h2>\n<h3>Steps</h3>\n<h2>Results</h2>\n<h4>Notes</h4>"


def test_a_deep_outline_stops_at_h6():
    text = "\n\n".join("#" * level + f" L{level}" for level in range(1, 7))
    assert str(render_markdown(text)).strip().count("<h6>") == 2
