/**
 * A VM's reservation in one statement: the provider creates VMs ten at a time over one inventory
 * connection, and the reservation was five round trips (BEGIN, the host's row lock, pruning expired
 * reservations, the insert with its capacity check, COMMIT) that every other statement of the process
 * queued behind: under load each round trip cost 5-10 ms (scripts/bench-vm.mjs). The function does the
 * same steps in the same order, as the caller (row-level security applies as before).
 *
 * Each statement of a VOLATILE PL/pgSQL function takes a new snapshot, so the capacity check, which comes
 * after the host's row lock was granted, sees every reservation committed while this one waited for it,
 * exactly as the separate statements did. No row: the host is missing, unschedulable, or full, and the
 * caller reads the host to say which.
 */
export const version = 11;
export const name = 'reservation_function';

export const sql = `
CREATE FUNCTION virtplane_reserve_vm(p_vm uuid, p_name text, p_cluster uuid, p_host uuid, p_vcpus int, p_memory_mib int, p_ttl_seconds double precision)
RETURNS SETOF vm_placements
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM 1 FROM virtplane_lock_host(p_host) locked
  WHERE locked.cluster_id = p_cluster AND NOT locked.maintenance AND locked.memory_mib IS NOT NULL;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  DELETE FROM vm_placements WHERE status = 'reserved' AND expires_at <= now();
  RETURN QUERY
    WITH inserted AS (
      INSERT INTO vm_placements (vm_id, name, cluster_id, host_id, vcpus, memory_mib, status, expires_at)
      SELECT p_vm, p_name, p_cluster, p_host, p_vcpus, p_memory_mib, 'reserved', now() + make_interval(secs => p_ttl_seconds)
      WHERE p_memory_mib <= (
        SELECT h.memory_mib::bigint * c.memory_overcommit_percent / 100
               - COALESCE((SELECT SUM(p.memory_mib) FROM vm_placements p
                           WHERE p.host_id = h.id AND p.vm_id <> p_vm AND (p.status = 'placed' OR p.expires_at > now())), 0)
        FROM hosts h JOIN clusters c ON c.id = h.cluster_id
        WHERE h.id = p_host)
      RETURNING *)
    SELECT * FROM inserted;
END
$$;
`;
