// tsc compiles TypeScript only; n8n also needs each node's SVG icons and its codex file
// (<Node>.node.json) next to the compiled .node.js, so copy them into dist/.
const { src, dest, parallel } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.svg', 'nodes/**/*.node.json'], { encoding: false }).pipe(
		dest('dist/nodes'),
	);
}

function copyCredentialAssets() {
	return src('credentials/**/*.svg', { encoding: false, allowEmpty: true }).pipe(
		dest('dist/credentials'),
	);
}

function copySharedIcons() {
	return src('icons/**/*.svg', { encoding: false }).pipe(dest('dist/icons'));
}

exports['build:icons'] = parallel(copyNodeAssets, copyCredentialAssets, copySharedIcons);
exports.default = exports['build:icons'];
