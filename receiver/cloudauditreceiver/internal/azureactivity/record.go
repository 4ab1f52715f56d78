package azureactivity

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// record holds the top-level members of one Activity Log event, found in a single
// pass over the object whatever their casing. It covers both shapes Azure delivers:
// the diagnostic-settings export (Event Hub / storage: time, resultType, identity…)
// and the REST / event schema (eventTimestamp, status{value}, caller, claims…), and the
// columns of the Log Analytics AzureActivity table as its Data Export writes them
// (TimeGenerated, OperationNameValue, ActivityStatusValue, Properties_d, Claims_d…).
type record struct {
	time, eventTimestamp             *fastjson.Value
	resourceID, resourceURI, id      *fastjson.Value
	operationName, category          *fastjson.Value
	resultType, resultSignature      *fastjson.Value
	status, subStatus, statusCode    *fastjson.Value
	callerIP, httpRequest            *fastjson.Value
	correlationID, eventDataID       *fastjson.Value
	identity, claims, authorization  *fastjson.Value
	caller, subscriptionID, location *fastjson.Value
	properties, resourceProviderName *fastjson.Value
	// Log Analytics: the operation's name; its OperationName column is the display name.
	operationNameValue *fastjson.Value
}

func keep(dst **fastjson.Value, v *fastjson.Value) {
	if *dst == nil {
		*dst = v
	}
}

// scan fills r from o. The first key of a given name (in any casing) wins.
func (r *record) scan(o *fastjson.Object) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		switch len(k) {
		case 2:
			if jsonx.EqualFold(k, "id") {
				keep(&r.id, v)
			}
		case 4:
			if jsonx.EqualFold(k, "time") {
				keep(&r.time, v)
			}
		case 6:
			switch {
			case jsonx.EqualFold(k, "status"):
				keep(&r.status, v)
			case jsonx.EqualFold(k, "caller"):
				keep(&r.caller, v)
			case jsonx.EqualFold(k, "claims"):
				keep(&r.claims, v)
			}
		case 8:
			switch {
			case jsonx.EqualFold(k, "claims_d"):
				keep(&r.claims, v)
			case jsonx.EqualFold(k, "category"):
				keep(&r.category, v)
			case jsonx.EqualFold(k, "identity"):
				keep(&r.identity, v)
			case jsonx.EqualFold(k, "location"):
				keep(&r.location, v)
			}
		case 9:
			if jsonx.EqualFold(k, "substatus") {
				keep(&r.subStatus, v)
			}
		case 10:
			switch {
			case jsonx.EqualFold(k, "resourceid"):
				keep(&r.resourceID, v)
			case jsonx.EqualFold(k, "resulttype"):
				keep(&r.resultType, v)
			case jsonx.EqualFold(k, "properties"):
				keep(&r.properties, v)
			case jsonx.EqualFold(k, "statuscode"):
				keep(&r.statusCode, v)
			}
		case 11:
			switch {
			case jsonx.EqualFold(k, "resourceuri"):
				keep(&r.resourceURI, v)
			case jsonx.EqualFold(k, "eventdataid"):
				keep(&r.eventDataID, v)
			case jsonx.EqualFold(k, "httprequest"):
				keep(&r.httpRequest, v)
			case jsonx.EqualFold(k, "_resourceid"):
				keep(&r.resourceID, v)
			}
		case 12:
			if jsonx.EqualFold(k, "properties_d") {
				keep(&r.properties, v)
			}
		case 13:
			switch {
			case jsonx.EqualFold(k, "operationname"):
				keep(&r.operationName, v)
			case jsonx.EqualFold(k, "correlationid"):
				keep(&r.correlationID, v)
			case jsonx.EqualFold(k, "authorization"):
				keep(&r.authorization, v)
			case jsonx.EqualFold(k, "timegenerated"):
				keep(&r.time, v)
			case jsonx.EqualFold(k, "categoryvalue"):
				keep(&r.category, v)
			}
		case 14:
			switch {
			case jsonx.EqualFold(k, "eventtimestamp"):
				keep(&r.eventTimestamp, v)
			case jsonx.EqualFold(k, "subscriptionid"):
				keep(&r.subscriptionID, v)
			}
		case 15:
			switch {
			case jsonx.EqualFold(k, "resultsignature"):
				keep(&r.resultSignature, v)
			case jsonx.EqualFold(k, "calleripaddress"):
				keep(&r.callerIP, v)
			case jsonx.EqualFold(k, "authorization_d"):
				keep(&r.authorization, v)
			}
		case 18:
			if jsonx.EqualFold(k, "operationnamevalue") {
				keep(&r.operationNameValue, v)
			}
		case 19:
			if jsonx.EqualFold(k, "activitystatusvalue") {
				keep(&r.resultType, v)
			}
		case 22:
			if jsonx.EqualFold(k, "activitysubstatusvalue") {
				keep(&r.subStatus, v)
			}
		case 20:
			if jsonx.EqualFold(k, "resourceprovidername") {
				keep(&r.resourceProviderName, v)
			}
		}
	})
	if r.operationNameValue != nil {
		r.operationName = r.operationNameValue
	}
}

// props holds the members of properties that the decoder reads.
type props struct {
	statusCode, requestBody, responseBody, eventProperties *fastjson.Value
	userAgent, eventDataID, content                        *fastjson.Value
}

func (p *props) scan(v *fastjson.Value) {
	if v == nil || v.Type() != fastjson.TypeObject {
		return
	}
	o, _ := v.Object()
	o.Visit(func(k []byte, v *fastjson.Value) {
		switch len(k) {
		case 7:
			if jsonx.EqualFold(k, "content") {
				keep(&p.content, v)
			}
		case 9:
			if jsonx.EqualFold(k, "useragent") {
				keep(&p.userAgent, v)
			}
		case 10:
			if jsonx.EqualFold(k, "statuscode") {
				keep(&p.statusCode, v)
			}
		case 11:
			switch {
			case jsonx.EqualFold(k, "requestbody"):
				keep(&p.requestBody, v)
			case jsonx.EqualFold(k, "eventdataid"):
				keep(&p.eventDataID, v)
			}
		case 12:
			if jsonx.EqualFold(k, "responsebody") {
				keep(&p.responseBody, v)
			}
		case 15:
			if jsonx.EqualFold(k, "eventproperties") {
				keep(&p.eventProperties, v)
			}
		}
	})
}

// scanProperties reads r.properties into p. Get-AzLog | ConvertTo-Json wraps the
// property bag as {"Content": {...}} (its only member); the wrapper is replaced by
// its content so every later reader (rule bodies, autoscale counts) sees the bag.
func (p *props) scanProperties(r *record) {
	p.scan(r.properties)
	if c := p.content; c != nil && c.Type() == fastjson.TypeObject {
		if o, _ := r.properties.Object(); o.Len() == 1 {
			r.properties = c
			*p = props{}
			p.scan(c)
		}
	}
}
