package filesource

import "go.opentelemetry.io/collector/pdata/plog"

// slice returns the records [from, to) of ld in iteration order, keeping their resource
// and scope. A whole-range slice is ld itself (no copy), the common case.
func slice(ld plog.Logs, from, to int) plog.Logs {
	if from == 0 && to >= ld.LogRecordCount() {
		return ld
	}
	out := plog.NewLogs()
	i := 0
	rls := ld.ResourceLogs()
	for r := 0; r < rls.Len() && i < to; r++ {
		rl := rls.At(r)
		var orl plog.ResourceLogs
		made := false
		for s := 0; s < rl.ScopeLogs().Len() && i < to; s++ {
			sl := rl.ScopeLogs().At(s)
			var osl plog.ScopeLogs
			scopeMade := false
			for k := 0; k < sl.LogRecords().Len() && i < to; k++ {
				if i >= from {
					if !made {
						orl = out.ResourceLogs().AppendEmpty()
						rl.Resource().CopyTo(orl.Resource())
						orl.SetSchemaUrl(rl.SchemaUrl())
						made = true
					}
					if !scopeMade {
						osl = orl.ScopeLogs().AppendEmpty()
						sl.Scope().CopyTo(osl.Scope())
						osl.SetSchemaUrl(sl.SchemaUrl())
						scopeMade = true
					}
					sl.LogRecords().At(k).CopyTo(osl.LogRecords().AppendEmpty())
				}
				i++
			}
		}
	}
	return out
}
