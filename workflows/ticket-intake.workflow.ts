import { proxyActivities, setHandler } from '@temporalio/workflow';
import {
  ticketIntakeStateQuery,
  type TicketActivities,
  type TicketIntakeInput,
  type TicketIntakeResult,
  type TicketIntakeState,
  type TicketIntakeStep,
  type TicketStatus,
} from '../libs/contracts';

// A database write: quick when healthy, so a short timeout; retried with backoff through brief outages.
const { markTicketTriaged } = proxyActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
    nonRetryableErrorTypes: ['TicketNotFound'],
  },
});

/** A new ticket is recorded, triaged and audited; its state is readable while it runs and afterwards. */
export async function ticketIntakeWorkflow(input: TicketIntakeInput): Promise<TicketIntakeResult> {
  const state: TicketIntakeState = { step: 'received', ticketStatus: 'new', history: [] };
  const reach = (step: TicketIntakeStep, ticketStatus: TicketStatus) => {
    state.step = step;
    state.ticketStatus = ticketStatus;
    state.history.push({ step, at: new Date(Date.now()).toISOString() });
  };
  setHandler(ticketIntakeStateQuery, () => state);
  reach('received', 'new');

  reach('triaging', 'new');
  const triaged = await markTicketTriaged(input);
  reach('triaged', triaged.ticketStatus);

  return { ticketStatus: triaged.ticketStatus, auditSeq: triaged.auditSeq };
}

