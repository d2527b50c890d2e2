"""Sphinx configuration of the course site; `course site build` copies this folder, the executed notebooks
and the lab releases into a staging folder and builds it (see course/site.py)."""
import os

project = "Deep learning with Keras 3"
author = "the course's contributors"
copyright = "the course's contributors, MIT licence"

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode"]
exclude_patterns = ["_build", "_downloads_src/**", "**.ipynb_checkpoints"]
nb_execution_mode = "off"  # course/site.py executes (and caches) every page before Sphinx reads it
nb_output_stderr = "remove"  # pages show what a reader sees: nbgrader and the tests keep stderr empty anyway
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "misc.highlighting_failure"]
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": False}

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_theme_options = {
    "repository_url": f"https://github.com/{os.environ.get('COURSE_SITE_REPO', 'keras-course/keras-course')}",
    "repository_branch": os.environ.get("COURSE_SITE_BRANCH", "main"),
    "use_repository_button": True,
    "use_download_button": False,  # each page links its clean (output-free) notebook instead
    "show_navbar_depth": 1,
    "home_page_in_toc": True,
}
html_last_updated_fmt = "%Y-%m-%d"
