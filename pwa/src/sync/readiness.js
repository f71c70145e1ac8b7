/** "Tournée prête hors ligne": the tablet proves it holds what the server counted (pure). */
import { t } from '../i18n.js';

/** `counts` from the last pull, the technician's local orders, the local form keys "TYPE@v". */
export function readiness(counts, orders, formKeys) {
  if (!counts) return { ready: false, missing: [t('Aucune synchronisation réussie pour l\'instant.')] };
  const active = orders.filter((o) => !o.removed && !['cancelled', 'closed'].includes(o.state));
  const meters = new Set(active.map((o) => o.meter && o.meter.serial).filter(Boolean));
  const missing = [];
  if (active.length !== counts.orders) missing.push(t('ordres : {have}/{want} sur la tablette', { have: active.length, want: counts.orders }));
  if (meters.size !== counts.meters) missing.push(t('compteurs : {have}/{want}', { have: meters.size, want: counts.meters }));
  for (const [type, version] of Object.entries(counts.forms || {})) {
    if (!formKeys.has(`${type}@${version}`)) missing.push(t('formulaire {type} version {version} absent', { type, version }));
  }
  for (const order of active) {
    if (order.form && !formKeys.has(`${order.form.type}@${order.form.version}`)) {
      missing.push(t('formulaire {type} version {version} de l\'ordre {ref} absent', { ...order.form, ref: order.ref }));
    }
  }
  return { ready: missing.length === 0, orders: active.length, total: counts.orders, meters: meters.size,
    missing: [...new Set(missing)] };
}
