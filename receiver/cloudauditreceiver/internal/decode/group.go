package decode

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// ScopeName is the instrumentation scope of every record the receiver creates.
const ScopeName = "github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver"

// resourceKey is the identity records are grouped by.
type resourceKey struct {
	provider, account, region, cluster, namespace string
}

// group is one resource of the current Decode call and where its records go.
type group struct {
	resourceKey
	records plog.LogRecordSlice
}

// manyGroups: past this many resources in one call, look groups up in a map instead of
// scanning (an organisation trail or a CloudWatch stream may mix many accounts).
const manyGroups = 16

// records returns the record slice of ev's resource: from this call's groups, else from
// a matching ResourceLogs already in out, else a new one.
func (d *Decoder) records(ev *event.Event) plog.LogRecordSlice {
	k := resourceKey{ev.Provider, ev.AccountID, ev.Region, ev.K8sCluster, ev.K8sNamespace}
	if len(d.groups) <= manyGroups {
		for i := range d.groups {
			if d.groups[i].resourceKey == k {
				return d.groups[i].records
			}
		}
	} else if i, ok := d.groupIndex[k]; ok {
		return d.groups[i].records
	}
	g := group{resourceKey: k}
	g.records = d.findOrAdd(&g)
	d.groups = append(d.groups, g)
	if len(d.groups) > manyGroups {
		if d.groupIndex == nil {
			d.groupIndex = make(map[resourceKey]int, 2*manyGroups)
		}
		if len(d.groupIndex) == 0 {
			for i := range d.groups {
				d.groupIndex[d.groups[i].resourceKey] = i
			}
		} else {
			d.groupIndex[k] = len(d.groups) - 1
		}
	}
	return g.records
}

func (d *Decoder) findOrAdd(g *group) plog.LogRecordSlice {
	rls := d.out.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		if !sameResource(rl.Resource().Attributes(), g) {
			continue
		}
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			if sls.At(j).Scope().Name() == ScopeName {
				return sls.At(j).LogRecords()
			}
		}
		sl := sls.AppendEmpty()
		sl.Scope().SetName(ScopeName)
		return sl.LogRecords()
	}
	rl := rls.AppendEmpty()
	attrs := rl.Resource().Attributes()
	attrs.EnsureCapacity(5)
	putNonEmpty(attrs, schema.AttrCloudProvider, g.provider)
	putNonEmpty(attrs, schema.AttrCloudAccountID, g.account)
	putNonEmpty(attrs, schema.AttrCloudRegion, g.region)
	putNonEmpty(attrs, schema.AttrK8sCluster, g.cluster)
	putNonEmpty(attrs, schema.AttrK8sNamespace, g.namespace)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(ScopeName)
	return sl.LogRecords()
}

func putNonEmpty(m pcommon.Map, k, v string) {
	if v != "" {
		m.PutStr(k, v)
	}
}

// sameResource reports whether attrs hold exactly g's identity (absent = empty).
func sameResource(attrs pcommon.Map, g *group) bool {
	n := 0
	for _, kv := range [...][2]string{
		{schema.AttrCloudProvider, g.provider},
		{schema.AttrCloudAccountID, g.account},
		{schema.AttrCloudRegion, g.region},
		{schema.AttrK8sCluster, g.cluster},
		{schema.AttrK8sNamespace, g.namespace},
	} {
		v, ok := attrs.Get(kv[0])
		if !ok {
			if kv[1] != "" {
				return false
			}
			continue
		}
		if v.Type() != pcommon.ValueTypeStr || v.Str() != kv[1] {
			return false
		}
		n++
	}
	return n == attrs.Len()
}
