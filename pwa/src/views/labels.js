/** French labels of codes shown on screens. */
export const TYPES = { READING: 'Relevé d\'index', CUTOFF: 'Interruption et relevé', REMOVAL: 'Dépose de compteur',
  CLOSURE: 'Fermeture de branchement', INVESTIGATION: 'Enquête client' };
export const LOCAL = { todo: 'À faire', draft: 'En cours', done: 'Terminé, à envoyer', sent: 'Envoyé', conflict: 'Conflit' };
export const REMOVED = { cancelled: 'Annulé par le bureau', reassigned: 'Réaffecté', absent: 'Retiré de la tournée' };
export const ORDER_STATES = { issued: 'Émis', assigned: 'Affecté', reported: 'Compte-rendu reçu',
  countersigned: 'Contresigné', closed: 'Clos', cancelled: 'Annulé' };
export const READING_MODES = { manual: 'relève à pied', radio: 'radio-relève', remote: 'télérelève' };
export const PREMISES_KINDS = { water: 'Eau potable', sewage: 'Assainissement', elec_bt: 'Électricité basse tension',
  elec_mt: 'Électricité moyenne tension' };
export const ROLES = { owner: 'Propriétaire', manager: 'Gestionnaire', agency: 'Agence', notary: 'Notaire',
  landlord: 'Bailleur social', customer: 'Client', requester: 'Demandeur' };

/** Street of an address: without its leading number. */
export function street(address) {
  return String(address || '').replace(/^\s*\d+\s*(bis|ter)?\s*,?\s*/i, '').split(',')[0].trim();
}
