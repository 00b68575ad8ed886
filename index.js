// n8n loads community packages through the "n8n" section of package.json, not through this
// entry point. It exists because n8n's loader and npm expect a package "main" to resolve.
module.exports = {};
