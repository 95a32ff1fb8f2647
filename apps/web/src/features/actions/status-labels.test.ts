import { ACTION_PRIORITY_LABELS, ACTION_STATUS_LABELS } from '@hotspot/contracts';
import { describe, expect, it } from 'vitest';
import { PRIORITY_LABELS, STATUS_LABELS } from './actions-api.ts';

describe('the words for an action', () => {
  it('are the same on screen as in the meeting pack and the emails', () => {
    expect(STATUS_LABELS).toEqual(ACTION_STATUS_LABELS);
    expect(PRIORITY_LABELS).toEqual(ACTION_PRIORITY_LABELS);
  });
});
