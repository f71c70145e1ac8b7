/** "Tournée prête hors ligne": the tablet proves it holds what the server counted (pure). */

/** `counts` from the last pull, the technician's local orders, the local form keys "TYPE@v". */
export function readiness(counts, orders, formKeys) {
  if (!counts) return { ready: false, missing: ['Aucune synchronisation réussie pour l\'instant.'] };
  const active = orders.filter((o) => !o.removed && !['cancelled', 'closed'].includes(o.state));
  const meters = new Set(active.map((o) => o.meter && o.meter.serial).filter(Boolean));
  const missing = [];
  if (active.length !== counts.orders) missing.push(`ordres : ${active.length}/${counts.orders} sur la tablette`);
  if (meters.size !== counts.meters) missing.push(`compteurs : ${meters.size}/${counts.meters}`);
  for (const [type, version] of Object.entries(counts.forms || {})) {
    if (!formKeys.has(`${type}@${version}`)) missing.push(`formulaire ${type} version ${version} absent`);
  }
  for (const order of active) {
    if (order.form && !formKeys.has(`${order.form.type}@${order.form.version}`)) {
      missing.push(`formulaire ${order.form.type} v${order.form.version} de l'ordre ${order.ref} absent`);
    }
  }
  return { ready: missing.length === 0, orders: active.length, total: counts.orders, meters: meters.size,
    missing: [...new Set(missing)] };
}
