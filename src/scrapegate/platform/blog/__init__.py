"""The blog module (spec platform-api A.3): posts from markdown files, comments, reactions, feed."""
