package app

import (
	"net"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/netutil"
)

// reservedDescriptors are kept out of the automatic connection limit for the database
// connections, the SQLite files, the logs and the listener itself.
const reservedDescriptors = 64

// connectionLimit is the configured limit on open client connections, or, when 0, the process's
// open-file limit less the reserve, so that clients can never take the descriptors the server
// needs to answer anyone.
func connectionLimit(configured int) int {
	if configured > 0 {
		return configured
	}
	return max(openFileLimit()-reservedDescriptors, 8)
}

// connMetrics count the connections of every listener an App serves.
type connMetrics struct {
	open    prometheus.Gauge
	refused prometheus.Counter
}

func newConnMetrics(reg prometheus.Registerer) connMetrics {
	m := connMetrics{
		open: prometheus.NewGauge(prometheus.GaugeOpts{Name: "keyward_http_connections_open",
			Help: "Client connections open."}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyward_http_connections_refused_total",
			Help: "Connections closed at once because their client address had too many open."}),
	}
	reg.MustRegister(m.open, m.refused)
	return m
}

// boundListener bounds open connections in total (a full server waits before accepting more)
// and per client address (a client over its share has its new connection closed at once, so it
// cannot crowd out the others).
func boundListener(ln net.Listener, total, perClient int, m connMetrics) net.Listener {
	return &perClientListener{Listener: netutil.LimitListener(ln, total), max: perClient, m: m, open: map[string]int{}}
}

type perClientListener struct {
	net.Listener
	max int
	m   connMetrics

	mu   sync.Mutex
	open map[string]int // open connections per client address
}

func (l *perClientListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := c.RemoteAddr().String()
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		l.mu.Lock()
		full := l.open[host] >= l.max
		if !full {
			l.open[host]++
		}
		l.mu.Unlock()
		if full {
			l.m.refused.Inc()
			_ = c.Close()
			continue
		}
		l.m.open.Inc()
		return &countedConn{Conn: c, release: func() { l.release(host) }}, nil
	}
}

func (l *perClientListener) release(host string) {
	l.mu.Lock()
	if l.open[host]--; l.open[host] == 0 {
		delete(l.open, host) // the map holds only clients with open connections
	}
	l.mu.Unlock()
	l.m.open.Dec()
}

// countedConn gives its slot back once, on its first Close.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
