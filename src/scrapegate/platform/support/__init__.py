"""The support helpdesk (platform-api A.12): tickets, replies, attachments, categories."""
