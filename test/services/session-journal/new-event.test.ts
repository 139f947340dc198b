// Adding an event and its subscriber touches no existing file but the catalog's list: the journal
// shows an event it has no rule for by the line its contract gives.
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { kismoEvents } from '../../../contracts/catalog';
import { correlation } from '../../../contracts/kit/correlation';
import { defineEvent } from '../../../contracts/kit/define-event';
import { changeOf } from '../../../services/session-journal/change-of';
import { delivered, INSTANCE_ID, kismoEnvelope, OWNER, SESSION_ID } from '../../factories/kismo-events';

const budgetWarned = defineEvent({
  detailType: 'Budget Warned',
  version: 1,
  description: 'A session spent most of its budget.',
  fields: { ...correlation, spent: z.number(), budget: z.number() },
  timeline: (d) => `spent $${d.spent} of its $${d.budget} budget`,
});
const plain = defineEvent({
  detailType: 'Snapshot Taken',
  version: 1,
  description: 'A snapshot of the session’s volume.',
  fields: { ...correlation },
});

describe('the journal and an event it has no rule for', () => {
  it('records the line the event’s contract gives, and no facts', () => {
    // Prepare
    const event = delivered(
      budgetWarned,
      kismoEnvelope(budgetWarned, {
        owner: OWNER,
        sessionId: SESSION_ID,
        instanceId: INSTANCE_ID,
        spent: 40,
        budget: 50,
      }),
    );

    // Act
    const change = changeOf(event as never, 'us-east-1', [...kismoEvents, budgetWarned]);

    // Assess
    expect(change).toMatchObject({
      owner: OWNER,
      sessionId: SESSION_ID,
      entry: { detailType: 'Budget Warned', summary: 'spent $40 of its $50 budget' },
      facts: {},
    });
  });

  it('falls back to the detail-type when the contract says nothing', () => {
    // Prepare
    const event = delivered(
      plain,
      kismoEnvelope(plain, { owner: OWNER, sessionId: SESSION_ID, instanceId: INSTANCE_ID }),
    );

    // Act
    const change = changeOf(event as never, 'us-east-1', [...kismoEvents, plain]);

    // Assess
    expect(change.entry.summary).toBe('snapshot taken');
  });
});
