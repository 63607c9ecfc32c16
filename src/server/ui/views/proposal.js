// One proposed identification: its status, who proposed it and why, every review so far, and
// (for a reviewer who may still decide) the confirm / reject form.
import { h } from '../dom.js';
import { post } from '../api.js';
import { dateTime, statusLabel } from '../format.js';
import { messageSlot } from '../notice.js';
import { canReview, me } from '../session.js';

const OPEN = ['proposed', 'awaiting_second_review'];

const proposerOf = (p) => p.proposed_by ?? p.created_by ?? p.user ?? null;
const reviewerOf = (d) => d.reviewer ?? d.user ?? d.decided_by ?? null;

export function statusBadge(status) {
  return h('span', { class: `status status-${status}`, dataset: { status } }, statusLabel(status));
}

// Whether the signed-in user may still decide on `proposal` (the server checks it again).
function mayDecide(proposal) {
  if (!canReview() || !OPEN.includes(proposal.status)) return false;
  const user = me().user;
  if (proposerOf(proposal) === user) return false;
  return !(proposal.decisions || []).some((d) => reviewerOf(d) === user);
}

function reviewForm(proposal, onchange) {
  const id = `review-${proposal.id}`;
  const comment = h('textarea', { id: `${id}-comment`, name: 'comment', rows: 2, required: true,
    placeholder: 'What you compared and why you decide so' });
  const slot = messageSlot();
  const decide = async (decision, button) => {
    if (!comment.value.trim()) {
      slot.showInfo('A comment is required: say what you compared.');
      comment.focus();
      return;
    }
    button.disabled = true;
    try {
      const updated = await post(`/v1/proposals/${proposal.id}/decisions`, { decision, comment: comment.value.trim() });
      onchange(updated);
    } catch (error) {
      slot.showError(error);
      button.disabled = false;
    }
  };
  const confirmButton = h('button', { type: 'button', class: 'confirm' }, 'Confirm');
  const rejectButton = h('button', { type: 'button', class: 'reject' }, 'Reject');
  confirmButton.addEventListener('click', () => decide('confirmed', confirmButton));
  rejectButton.addEventListener('click', () => decide('rejected', rejectButton));
  return h('form', { class: 'review-form', onsubmit: (e) => e.preventDefault(), 'aria-label': 'Review this proposal' },
    h('label', { for: `${id}-comment` }, 'Your review comment'),
    comment,
    h('p', { class: 'hint' }, proposal.status === 'proposed'
      ? 'A confirmation needs two different reviewers; yours will be the first.'
      : 'One reviewer has confirmed; yours is the second review.'),
    h('div', { class: 'actions' }, confirmButton, rejectButton),
    slot);
}

// onchange(updatedProposal) is called after a decision is recorded.
export function proposalView(proposal, { onchange, heading } = {}) {
  const proposer = proposerOf(proposal);
  return h('section', { class: 'proposal', dataset: { proposalId: proposal.id, status: proposal.status },
    'aria-label': `Proposal ${proposal.id}` },
    h('div', { class: 'proposal-head' }, heading || h('strong', {}, `Proposal #${proposal.id}`), ' ', statusBadge(proposal.status)),
    h('p', { class: 'proposal-by' },
      proposer ? `Proposed by ${proposer}` : 'Proposed',
      proposal.created_at ? ` on ${dateTime(proposal.created_at)}` : '',
      proposal.comment ? ': ' : '',
      proposal.comment ? h('q', {}, proposal.comment) : null),
    (proposal.decisions || []).length
      ? h('ol', { class: 'decisions' }, proposal.decisions.map((d) => h('li', { dataset: { decision: d.decision } },
        h('strong', {}, d.decision === 'confirmed' ? 'Confirmed' : 'Rejected'),
        reviewerOf(d) ? ` by ${reviewerOf(d)}` : '',
        d.time || d.created_at ? ` on ${dateTime(d.time || d.created_at)}` : '',
        d.comment ? ': ' : '', d.comment ? h('q', {}, d.comment) : null)))
      : h('p', { class: 'muted' }, 'No review yet.'),
    mayDecide(proposal) && onchange ? reviewForm(proposal, onchange) : null);
}
