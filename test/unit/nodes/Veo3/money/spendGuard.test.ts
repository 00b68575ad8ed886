/** The balance arithmetic of the spending guard (the guard itself runs in test/workflows/spend.test.ts). */
import { itemsCovered } from '../../../../../nodes/Veo3/money/spendGuard';

describe('itemsCovered', () => {
	it('items a balance covers, in order', () => {
		expect(itemsCovered(200, [60, 60, 60, 60, 60])).toBe(3);
		expect(itemsCovered(59.5, [60])).toBe(0);
		expect(itemsCovered(300, [60, 250, 30])).toBe(1);
	});
});
