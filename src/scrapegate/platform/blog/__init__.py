"""The blog module: posts from markdown files, comments, reactions, feed."""
