package decode

import "github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/envelope"

func (c Config) withDefaults() Config {
	def := DefaultLimits()
	if c.Format == "" {
		c.Format = FormatAuto
	}
	if c.Body == "" {
		c.Body = BodyMap
	}
	if c.Limits.MaxObjectBytes == 0 {
		c.Limits.MaxObjectBytes = def.MaxObjectBytes
	}
	if c.Limits.MaxDecompressedBytes == 0 {
		c.Limits.MaxDecompressedBytes = def.MaxDecompressedBytes
	}
	if c.Limits.MaxRecordBytes == 0 {
		c.Limits.MaxRecordBytes = def.MaxRecordBytes
	}
	if c.Limits.MaxDepth == 0 {
		c.Limits.MaxDepth = def.MaxDepth
	}
	return c
}

func pinnedKind(f Format) envelope.Kind {
	switch f {
	case FormatCloudTrail:
		return envelope.CloudTrail
	case FormatGCPAudit:
		return envelope.GCPAudit
	case FormatAzureActivity:
		return envelope.AzureActivity
	case FormatK8sEvent:
		return envelope.K8sEvent
	}
	return envelope.Unknown
}
