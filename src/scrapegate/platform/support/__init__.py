"""The support helpdesk: tickets, replies, attachments, categories."""
