import { parseUrlList } from '../../../../../nodes/kie/base/urls';

describe('parseUrlList: every documented URL-list shape (docs/kie-api.md#callback-body, where the kie.ai pages disagree)', () => {
	it.each([
		[
			['https://a/1.mp4', 'https://a/2.mp4'],
			['https://a/1.mp4', 'https://a/2.mp4'],
		],
		['["https://a/1.mp4"]', ['https://a/1.mp4']],
		['[http://example.com/video1.mp4]', ['http://example.com/video1.mp4']],
		['https://a/1.mp4', ['https://a/1.mp4']],
		['https://a/1.mp4, https://a/2.mp4', ['https://a/1.mp4', 'https://a/2.mp4']],
		[null, []],
		['', []],
		['null', []],
		[42, []],
	])('%p', (input, expected) => {
		expect(parseUrlList(input)).toEqual(expected);
	});
});
