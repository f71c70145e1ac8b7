/** French labels of codes shown on screens. */
import { t } from '../i18n.js';

export const TYPES = { READING: 'Relevé d\'index', CUTOFF: 'Interruption et relevé', REMOVAL: 'Dépose de compteur',
  CLOSURE: 'Fermeture de branchement', INVESTIGATION: 'Enquête client' };
export const LOCAL = { todo: 'À faire', draft: 'En cours', done: 'Terminé, à envoyer', sent: 'Envoyé', conflict: 'Conflit' };
/** Where a report stands on the tablet (the outbox states and the server's acknowledgements). */
export const REPORT_STATES = { queued: 'en attente d\'envoi', parked: 'à traiter', applied: 'reçu par le bureau',
  duplicate: 'reçu par le bureau', conflict: 'reçu, en conflit : le bureau tranchera' };
export const REMOVED = { cancelled: 'Annulé par le bureau', reassigned: 'Réaffecté', absent: 'Retiré de la tournée' };
export const ORDER_STATES = { issued: 'Émis', assigned: 'Affecté', reported: 'Compte-rendu reçu',
  countersigned: 'Contresigné', closed: 'Clos', cancelled: 'Annulé' };
export const READING_MODES = { manual: 'relève à pied', radio: 'radio-relève', remote: 'télérelève' };
export const PREMISES_KINDS = { water: 'Eau potable', sewage: 'Assainissement', elec_bt: 'Électricité basse tension',
  elec_mt: 'Électricité moyenne tension' };
export const ROLES = { owner: 'Propriétaire', manager: 'Gestionnaire', agency: 'Agence', notary: 'Notaire',
  landlord: 'Bailleur social', customer: 'Client', requester: 'Demandeur' };

/** The order's reference (AT0000006) for a report or outbox entry, from the orders the tablet holds. */
export function orderRef(orders, orderId) {
  return orders.find((o) => o.id === orderId)?.ref || t('ordre retiré de la tablette');
}

/** Street of an address: without its leading number. */
export function street(address) {
  return String(address || '').replace(/^\s*\d+\s*(bis|ter)?\s*,?\s*/i, '').split(',')[0].trim();
}

/** Why the server refused a countersignature made on the tablet (PROTOCOL §8). */
export const COUNTERSIGN_REASONS = { unknown_chief: 'chef inconnu', not_allowed: 'chef non habilité',
  no_code: 'pas de code en vigueur', code_locked: 'code bloqué', code_renewed: 'code changé depuis', no_strokes: 'signature vide',
  no_proof: 'preuve absente', bad_proof: 'code incorrect' };

/** Where a report's countersignature made on the tablet stands, or null when it has none:
 *  {state: pending|sent|sealed|refused, tone: the CSS class ok|warn|bad, text}. `row` is a local report row. */
export function countersignState(row) {
  const countersignature = row?.body?.countersignature;
  if (!countersignature) return null;
  const verdict = row.countersignature_verdict;
  if (verdict?.status === 'sealed') return { state: 'sealed', tone: 'ok', text: t('contresignature acceptée') };
  if (verdict?.status === 'refused') {
    return { state: 'refused', tone: 'bad', text: t('contresignature refusée ({reason}) : le chef contresignera au bureau',
      { reason: t(COUNTERSIGN_REASONS[verdict.reason] || verdict.reason || '?') }) };
  }
  const name = countersignature.signature?.signer_name || countersignature.chief_login;
  if (['queued', 'parked'].includes(row.status)) {
    return { state: 'pending', tone: 'warn', text: t('contresigné sur la tablette par {name} — en attente d\'envoi', { name }) };
  }
  return { state: 'sent', tone: 'warn', text: t('contresigné sur la tablette par {name} — envoyé', { name }) };
}
