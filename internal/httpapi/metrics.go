package httpapi

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/keyward/keyward/internal/agentpool"
	"github.com/keyward/keyward/internal/buildinfo"
	"github.com/keyward/keyward/internal/store"
)

// metrics are the HTTP, domain and database series keyward exports at /metrics, named as
// Prometheus asks: counters end in _total, gauges name what they measure.
type metrics struct {
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	rateLimited *prometheus.CounterVec
	heartbeats  *prometheus.CounterVec
	tokens      *prometheus.CounterVec
}

// domainRoutes are the routes whose successful answers count as a domain event, by counter and label.
var domainRoutes = map[string]struct{ counter, label string }{
	"POST /agent/v1/heartbeat":                 {"heartbeat", "agent"},
	"POST /server/v1/heartbeat":                {"heartbeat", "server"},
	"POST /oauth2/v1/token":                    {"token", "okta_access_token"},
	"POST /v1/teams/{team_name}/service_token": {"token", "opa_service_token"},
}

func newMetrics(reg prometheus.Registerer, s store.Store) *metrics {
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
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keyward_rate_limit_rejections_total",
			Help: "Requests refused with 429 by a rate-limit bucket.",
		}, []string{"bucket"}),
		heartbeats: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keyward_heartbeats_total",
			Help: "Heartbeats accepted, from agents and from OPA servers.",
		}, []string{"kind"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keyward_tokens_issued_total",
			Help: "Access tokens issued: OAuth 2.0 access tokens and OPA service tokens.",
		}, []string{"kind"}),
	}
	bi := buildinfo.Read()
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "keyward_build_info",
		Help:        "Always 1; the labels describe the running binary.",
		ConstLabels: prometheus.Labels{"version": bi.Version, "revision": bi.Revision, "goversion": bi.GoVersion},
	})
	buildInfo.Set(1)
	reg.MustRegister(m.requests, m.latency, m.rateLimited, m.heartbeats, m.tokens, buildInfo, storeCollector{s})
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
	if status/100 != 2 {
		return
	}
	switch e := domainRoutes[route]; e.counter {
	case "heartbeat":
		m.heartbeats.WithLabelValues(e.label).Inc()
	case "token":
		m.tokens.WithLabelValues(e.label).Inc()
	}
}

// rejected counts a request refused by the rate-limit bucket named by its path prefix.
func (m *metrics) rejected(bucket string) { m.rateLimited.WithLabelValues(bucket).Inc() }

// storeCollector reads the agent-pool update jobs at scrape time, so the figures are the stored
// truth on every instance sharing a database, whatever instance moved the jobs; then the
// connection pool's figures, once its own query has given its connection back.
type storeCollector struct{ store store.Store }

var (
	jobsDesc = prometheus.NewDesc("keyward_agent_pool_update_jobs",
		"Agent-pool update jobs by status.", []string{"status"}, nil)
	jobAgentsDesc = prometheus.NewDesc("keyward_agent_pool_update_agents",
		"Agents in update jobs by their update status (empty: not started).", []string{"status"}, nil)
	dbDescs = map[string]*prometheus.Desc{
		"open":   prometheus.NewDesc("keyward_db_connections_open", "Open database connections.", nil, nil),
		"in_use": prometheus.NewDesc("keyward_db_connections_in_use", "Database connections in use.", nil, nil),
		"idle":   prometheus.NewDesc("keyward_db_connections_idle", "Idle database connections.", nil, nil),
		"waits":  prometheus.NewDesc("keyward_db_connection_waits_total", "Waits for a free database connection.", nil, nil),
	}
	jobStatuses = []string{agentpool.StatusScheduled, agentpool.StatusInProgress, agentpool.StatusPaused,
		agentpool.StatusPendingCompletion, agentpool.StatusSuccess, agentpool.StatusFailed, agentpool.StatusCancelled}
)

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsDesc
	ch <- jobAgentsDesc
	for _, d := range dbDescs {
		ch <- d
	}
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	c.collectJobs(ch)
	st := c.store.Stats()
	for name, v := range map[string]int{"open": st.OpenConnections, "in_use": st.InUse, "idle": st.Idle} {
		ch <- prometheus.MustNewConstMetric(dbDescs[name], prometheus.GaugeValue, float64(v))
	}
	ch <- prometheus.MustNewConstMetric(dbDescs["waits"], prometheus.CounterValue, float64(st.WaitCount))
}

func (c storeCollector) collectJobs(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	jobs, err := c.store.ListPoolUpdatesByStatus(ctx, jobStatuses...)
	if err != nil {
		return // a database outage shows in /readyz; /metrics keeps answering with what it has
	}
	byStatus, agents := map[string]int{}, map[string]int{}
	for _, s := range jobStatuses {
		byStatus[s] = 0
	}
	for _, j := range jobs {
		byStatus[j.Status]++
		for _, a := range j.Agents {
			agents[a.Status]++
		}
	}
	for s, n := range byStatus {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), s)
	}
	for s, n := range agents {
		ch <- prometheus.MustNewConstMetric(jobAgentsDesc, prometheus.GaugeValue, float64(n), s)
	}
}
