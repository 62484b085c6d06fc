"""The MCP server: AlterLab's MCP tools over stdio (``scrapegate mcp``) and streamable HTTP
(``/mcp`` on the API app). Every tool is a call to the scrapegate API with the caller's key."""
