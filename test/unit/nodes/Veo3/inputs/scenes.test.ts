/** The Scenes field of Generate Long Video (Scenes): lines, lists, and the limits, checked by name. */
import type { INode } from 'n8n-workflow';

import { MAX_SCENES, parseSceneList } from '../../../../../nodes/Veo3/inputs/scenes';

const node = { name: 'Veo3', type: 'n8n-nodes-veo3.veo3', typeVersion: 1 } as INode;
const parse = (value: unknown) => parseSceneList(node, value, 0);

it('one prompt per line (Windows line ends too); blank lines dropped, commas kept', () => {
	expect(parse('A cafe, morning\r\n\r\n  close-up, steam  \nthe logo\n')).toEqual([
		'A cafe, morning',
		'close-up, steam',
		'the logo',
	]);
});

it('a list from an expression: strings and { prompt } objects, also as JSON text', () => {
	expect(parse(['one', { prompt: 'two' }])).toEqual(['one', 'two']);
	expect(parse('["one", {"prompt": "two"}]')).toEqual(['one', 'two']);
	// Text that only starts like a list is a prompt.
	expect(parse('[Intro] a sunrise')).toEqual(['[Intro] a sunrise']);
});

it.each<[unknown, string]>([
	['', 'no scene given'],
	[[], 'no scene given'],
	[['ok', ''], 'scene 2 is empty'],
	[['ok', 42], 'scene 2 is not text (42)'],
	[[{ text: 'x' }], 'scene 1 is not text'],
	[Array.from({ length: MAX_SCENES + 1 }, () => 'x'), `${MAX_SCENES + 1} scenes given`],
	[['x'.repeat(5001)], 'scene 1 is 5001 characters long'],
])('%j is refused: %s', (value, problem) => {
	expect(() => parse(value)).toThrow(`Invalid "Scenes": ${problem}`);
});

it(`the limit is ${MAX_SCENES} scenes: 1 generated + 20 extensions`, () => {
	expect(MAX_SCENES).toBe(21);
	expect(parse(Array.from({ length: 21 }, (_, i) => `scene ${i}`))).toHaveLength(21);
});
