// The package's entry point (package.json "main"): the node and credential classes, for code that
// requires the package, e.g. `const { Veo3, Veo3Trigger, Veo3Api } = require('n8n-nodes-veo3')`.
// n8n itself loads the files named in package.json's "n8n" section; both point at the same compiled
// files in dist/ (npm run build makes them), so this file and n8n always see the same classes.
const { Veo3 } = require('./dist/nodes/Veo3/Veo3.node.js');
const { Veo3Trigger } = require('./dist/nodes/Veo3Trigger/Veo3Trigger.node.js');
const { Veo3Api } = require('./dist/credentials/Veo3Api.credentials.js');

module.exports = { Veo3, Veo3Trigger, Veo3Api };
