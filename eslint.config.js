// Lint config: typescript-eslint's recommended rules over src, test, bench, examples and bin, and the direction of imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Dependencies point one way (docs/architecture.md): each layer of src/ may import its own and lower layers,
 * never a higher one. The core never reaches the terminal (cli), config never reaches the orchestration
 * (pipeline), and the views (report, status) read result types from spec/, never from the orchestrator.
 */
const layers = [
  ['spec', 'errors', 'util'],
  ['grading', 'vote', 'gguf', 'adapters', 'tasks', 'run-store', 'backends', 'trainer', 'config'],
  ['debate', 'evaluate', 'diversity', 'finetune-data', 'finetune', 'trainers', 'vllm', 'society', 'tools'],
  ['report', 'status'],
  ['pipeline', 'serve'],
  ['cli'],
];

const layerRules = layers.slice(0, -1).map((layer, index) => {
  const higher = layers.slice(index + 1).flat();
  return {
    files: layer.map((folder) => `src/${folder}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: higher.map((folder) => `**/${folder}/**`),
              message: `src/{${layer.join(',')}} may not import a higher layer (${higher.join(', ')}): dependencies point spec → stages/backends → views → pipeline → cli (docs/architecture.md).`,
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...layerRules,
  {
    // bin/: the CommonJS entry that runs before any ES module (bin/thread-pool.cjs says why).
    files: ['bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
