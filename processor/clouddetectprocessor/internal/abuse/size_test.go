package abuse

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

func TestServiceStateSize(t *testing.T) {
	assert.Equal(t, uintptr(112), unsafe.Sizeof(serviceState{}))
}
