/**
 * Planted defects for `npm run test:mutations`. Each one is a small edit of shipped code that a
 * careless change could make, in a place where it costs users money, trust or items. The default
 * test suite must catch every one of them.
 *
 * `find` must occur exactly once in `file` (a mutant that no longer applies fails the run, so the
 * set is kept in step with the code); `tests` are the default suite's files that should catch it,
 * run first to keep the run short (if they do not, the runner falls back to every related test).
 */
export interface Mutant {
	name: string;
	/** What the defect would do to users. */
	harm: string;
	file: string;
	find: string;
	replace: string;
	tests: string[];
	/** Runs only these tests of `tests` first (a jest -t pattern), where the file also holds slow ones. */
	testNamePattern?: string;
}

export const MUTANTS: Mutant[] = [
	{
		name: 'paid create retried on 5xx',
		harm: 'a create answered 500 after kie charged it is sent again: paid twice',
		file: 'nodes/kie/transport/index.ts',
		find: '				: REFUSED_CODES.has(envelope.code);',
		replace: '				: REFUSED_CODES.has(envelope.code) || envelope.code >= 500;',
		tests: ['test/unit/nodes/kie/transport/index.test.ts'],
	},
	{
		name: 'paid create retried on connection reset',
		harm: 'a create whose answer was lost is sent again: paid twice',
		file: 'nodes/kie/transport/index.ts',
		find: "request.resend === 'safe' ? RETRYABLE_NETWORK_CODES.has(networkCode) : neverSent",
		replace: 'RETRYABLE_NETWORK_CODES.has(networkCode)',
		tests: ['test/unit/nodes/kie/transport/index.test.ts'],
	},
	{
		name: 'callback re-check skipped',
		harm: 'Wait for Callback takes the unsigned callback body as the result',
		file: 'nodes/Veo3/tasks/callbackResume.ts',
		find: 'const state = await learn(\n\t\tctx,\n\t\tawait getApiConfig(ctx, inspected.credentials),\n\t\tbatch,\n\t\tmemory,\n\t\town,\n\t\twaiting,\n\t);',
		replace: "const state = 'complete' as BatchState;",
		tests: ['test/workflows/callback-wait.test.ts'],
	},
	{
		name: 'trigger trusts the callback body',
		harm: "forged or rewritten callbacks start runs with an attacker's status and video URL",
		file: 'nodes/Veo3Trigger/Veo3Trigger.node.ts',
		find: 'const confirmed = await confirmWithKie(this, credentials, taskId, callback.kind);',
		replace:
			'const confirmed = { ok: true as const, result: callback.result, kind: callback.kind, record: body };',
		tests: ['test/unit/nodes/Veo3Trigger/Veo3Trigger.trust.test.ts'],
	},
	{
		name: 'trigger confirms a 4K with the paid request',
		harm: 'a forged or replayed "4K ready" callback for a video that never had a 4K starts, and charges, a 4K render',
		file: 'nodes/Veo3Trigger/confirm.ts',
		find: "	if (claimed === '4k' && !fourK)\n		return { ok: false, status: 200, unconfirmed: true, reason: unconfirmedFourKText(taskId) };",
		replace:
			"	if (claimed === '4k' && !fourK) {\n		const repeat = { ...readOf(taskId, 'recordInfo'), body: { taskId, index: 0 }, readBack: 'repeatFourKRequest' as const };\n		const paid = await settle(async () => await checkTask(ctx, config, repeat, taskId, undefined));\n		if (paid.ok && paid.value.status === 'success') return { ok: true, kind: '4k', record, result: paid.value };\n		return { ok: false, status: 400, reason: 'kie.ai has no 4K render for this task' };\n	}",
		tests: [
			'test/unit/nodes/Veo3Trigger/Veo3Trigger.trust.test.ts',
			'test/unit/nodes/Veo3Trigger/Veo3Trigger.node.test.ts',
		],
		testNamePattern: '4K',
	},
	{
		name: 'trigger relays the received body as raw',
		harm: 'the unsigned callback body reaches the workflow as `raw`, next to fields marked confirmed by kie',
		file: 'nodes/Veo3Trigger/Veo3Trigger.node.ts',
		find: '			raw: record,',
		replace: '			raw: body,',
		tests: [
			'test/unit/nodes/Veo3Trigger/Veo3Trigger.trust.test.ts',
			'test/unit/nodes/Veo3Trigger/Veo3Trigger.node.test.ts',
		],
		testNamePattern: 'unverifiedCallbackBody|documented callback variant',
	},
	{
		name: 'trigger accepts an exact replay',
		harm: 'a captured signed delivery, replayed byte for byte, starts a new run each time when Ignore Duplicates is off',
		file: 'nodes/Veo3Trigger/replay.ts',
		find: '	if ((expiresAt !== undefined && expiresAt >= now) || memory.pending.has(digest))',
		replace: '	if (false)',
		tests: ['test/unit/nodes/Veo3Trigger/Veo3Trigger.trust.test.ts'],
		testNamePattern: 'counts once',
	},
	{
		name: 'bad signature accepted',
		harm: 'a signature of the right length but the wrong value passes',
		file: 'nodes/kie/callbacks/signature.ts',
		find: 'if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {',
		replace: 'if (expected.length !== actual.length) {',
		tests: ['test/unit/nodes/kie/callbacks/signature.test.ts'],
	},
	{
		name: 'stale signature accepted when the tolerance is not a number',
		harm: 'a text Signature Tolerance ("5m") switches the staleness check off',
		file: 'nodes/kie/callbacks/signature.ts',
		find: 'if (!(Math.abs(input.nowMs - sentMs) <= input.toleranceSeconds * 1000))',
		replace: 'if (Math.abs(input.nowMs - sentMs) > input.toleranceSeconds * 1000)',
		tests: [
			'test/unit/nodes/kie/callbacks/signature.test.ts',
			'test/unit/nodes/Veo3Trigger/Veo3Trigger.trust.test.ts',
		],
	},
	{
		name: 'item dropped',
		harm: 'the first item of a batch vanishes from the output',
		file: 'nodes/Veo3/engine/items.ts',
		find: 'output.push({ ...outcome.value, pairedItem: { item: itemIndex } });',
		replace:
			'if (position > 0 || outcomes.length === 1) output.push({ ...outcome.value, pairedItem: { item: itemIndex } });',
		tests: ['test/workflows/batch.test.ts'],
	},
	{
		name: 'execution resumed twice',
		harm: 'two callbacks of one batch both resume the execution: downstream runs twice',
		file: 'nodes/Veo3/tasks/callbackResume.ts',
		find: 'if (memory.resumed) {',
		replace: 'if (false) {',
		// The in-process n8n refuses a second resume itself (409); these call webhook() directly.
		tests: ['test/workflows/callback-abuse.test.ts'],
		testNamePattern: 'second resume',
	},
	{
		name: 'task IDs lost on stop',
		harm: 'a stopped execution no longer names the paid tasks (they were only in the stopped node)',
		file: 'nodes/Veo3/money/ledger.ts',
		find: '		rememberInCustomData(ctx, entry.taskId);\n',
		replace: '',
		tests: ['test/reliability/soak-engine.test.ts'],
		testNamePattern: 'stop mid-wait|restart mid-poll',
	},
	{
		name: 'create rate limit ignored',
		harm: 'a batch fires creates faster than kie allows and gets 429s',
		file: 'nodes/kie/transport/rateLimiter.ts',
		find: 'if (slots.length < limit.maxCreates) {',
		replace: 'if (slots.length >= 0) {',
		tests: ['test/unit/nodes/kie/transport/index.test.ts'],
	},
	{
		name: 'failed render treated as success',
		harm: 'a render that failed at kie (successFlag 3) comes out as a success without a video',
		file: 'nodes/kie/records/normalize.ts',
		find: "	if (n === 1) return 'success';\n	if (n === 2 || n === 3) return 'failed';",
		replace: "	if (n === 1 || n === 3) return 'success';\n	if (n === 2) return 'failed';",
		tests: ['test/unit/nodes/kie/records/normalize.test.ts'],
	},
	{
		name: 'option validation skipped',
		harm: 'options set by expression (0.5 creates, 0.001 s polls) reach the node unchecked',
		file: 'nodes/Veo3/inputs/settings.ts',
		find: "const ok =\n\t\ttypeof n === 'number' &&\n\t\tNumber.isFinite(n) &&\n\t\tn >= range.min &&\n\t\tn <= range.max &&\n\t\t(!range.whole || Number.isInteger(n));",
		replace: 'const ok = true;',
		tests: ['test/workflows/validation.test.ts'],
	},
	{
		name: 'scene extends the first scene',
		harm: 'a long video made of scenes repeats scene 1 instead of telling the story: every scene paid, the video wrong',
		file: 'nodes/Veo3/tasks/chain.ts',
		find: 'extendTask(plan, scene, scenes[scene - 1].taskId)',
		replace: 'extendTask(plan, scene, scenes[0].taskId)',
		tests: ['test/workflows/scenes.test.ts'],
		testNamePattern: 'makes 1 generate',
	},
	{
		name: 'chain guard counts scene 1 only',
		harm: 'the spending cap and the balance check let a long video through that costs several times the cap',
		file: 'nodes/Veo3/actions/video/generateScenes.operation.ts',
		find: '				estimatedCredits: prices.reduce((a, b) => a + b, 0),\n				requestPrices: prices,\n',
		replace: '				estimatedCredits: prices[0],\n',
		tests: ['test/workflows/scenes.test.ts'],
		testNamePattern: 'money before the first credit',
	},
	{
		name: 'scene request differs per try',
		harm: 'a retry after a failed scene pays again for every scene already finished',
		file: 'nodes/Veo3/tasks/chain.ts',
		find: '		taskId: parentId,\n',
		replace: '		taskId: parentId,\n		attempt: Date.now(),\n',
		tests: ['test/workflows/scenes.test.ts'],
		testNamePattern: 'Retry',
	},
];
