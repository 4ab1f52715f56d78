// Package storagetest is an in-memory storage extension for tests: it stands in for
// file_storage (a contrib module this module does not depend on) wherever a component
// keeps checkpoints or detector state. Its one client outlives the components that use
// it, as a file_storage directory outlives a collector restart.
package storagetest

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// Client is a storage.Client over a map.
type Client struct {
	mu     sync.Mutex
	data   map[string][]byte
	closed bool
}

var _ storage.Client = (*Client)(nil)

// NewClient returns an empty client.
func NewClient() *Client { return &Client{data: map[string][]byte{}} }

// Get returns a copy-free view of the stored value, nil when absent.
func (c *Client) Get(_ context.Context, key string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.data[key], nil
}

// Set stores a copy of value.
func (c *Client) Set(_ context.Context, key string, value []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[key] = append([]byte(nil), value...)
	return nil
}

// Delete removes key.
func (c *Client) Delete(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.data, key)
	return nil
}

// Batch applies the operations in order.
func (c *Client) Batch(ctx context.Context, ops ...*storage.Operation) error {
	for _, op := range ops {
		switch op.Type {
		case storage.Get:
			op.Value, _ = c.Get(ctx, op.Key)
		case storage.Set:
			_ = c.Set(ctx, op.Key, op.Value)
		case storage.Delete:
			_ = c.Delete(ctx, op.Key)
		}
	}
	return nil
}

// Close marks the client closed; the data stays.
func (c *Client) Close(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

// Closed reports whether the last user closed the client.
func (c *Client) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Len is the number of keys stored.
func (c *Client) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.data)
}

// Value returns the stored value of key, nil when absent.
func (c *Client) Value(key string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.data[key]
}

// Extension is a storage extension handing out its one Client.
type Extension struct {
	component.StartFunc
	component.ShutdownFunc
	Client *Client
}

var _ storage.Extension = (*Extension)(nil)

// NewExtension returns an extension with an empty client.
func NewExtension() *Extension { return &Extension{Client: NewClient()} }

// GetClient returns the extension's client, reopened.
func (e *Extension) GetClient(context.Context, component.Kind, component.ID, string) (storage.Client, error) {
	e.Client.mu.Lock()
	defer e.Client.mu.Unlock()
	e.Client.closed = false
	return e.Client, nil
}
