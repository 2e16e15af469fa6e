package httpapi

import (
	"database/sql"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the HTTP and database series keyward exports at /metrics.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, dbStats func() sql.DBStats) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keyward_http_requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "keyward_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	for name, help := range map[string]string{
		"open": "Open database connections.", "in_use": "Database connections in use.",
		"idle": "Idle database connections.", "wait_count": "Total waits for a database connection.",
	} {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "keyward_db_connections_" + name, Help: help,
		}, dbStat(dbStats, name)))
	}
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

func dbStat(stats func() sql.DBStats, name string) func() float64 {
	return func() float64 {
		s := stats()
		switch name {
		case "open":
			return float64(s.OpenConnections)
		case "in_use":
			return float64(s.InUse)
		case "idle":
			return float64(s.Idle)
		}
		return float64(s.WaitCount)
	}
}
