// Lint for code that never ships (simulator, tests, benchmarks, scripts): ordinary TypeScript rules.
// Shipped code (nodes/, credentials/, package.json) is linted by eslint.config.mjs, n8n's own
// community-node config, unchanged so that n8n's strict mode accepts it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['**/node_modules/**', 'dist/**', 'test/e2e/artifacts/**', '**/*.js', '**/*.mjs'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
			],
		},
	},
);
