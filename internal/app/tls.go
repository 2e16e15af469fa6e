package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/keyward/keyward/internal/config"
)

// The CA keyward makes for --tls lives in the data directory, so clients trust it once
// (`keyward ca > ca.pem`) and keep trusting it across restarts; the server certificate it signs
// is made afresh at every start, for the names the server answers on.
const (
	caCertFile = "keyward-ca.pem"
	caKeyFile  = "keyward-ca.key"
	caLifetime = 10 * 365 * 24 * time.Hour
	// serverLifetime stays under the 398 days clients such as Apple's accept for a leaf.
	serverLifetime = 397 * 24 * time.Hour
)

// CA is the certificate authority in a data directory.
type CA struct {
	Cert    *x509.Certificate
	CertPEM []byte
	key     *ecdsa.PrivateKey
}

// LoadOrCreateCA reads the CA from dataDir, making it (key file 0600) when there is none.
func LoadOrCreateCA(dataDir string) (*CA, error) {
	certPath, keyPath := filepath.Join(dataDir, caCertFile), filepath.Join(dataDir, caKeyFile)
	certPEM, certErr := os.ReadFile(certPath)
	keyPEM, keyErr := os.ReadFile(keyPath)
	if certErr == nil && len(certPEM) == 0 && errors.Is(keyErr, os.ErrNotExist) {
		// An empty certificate without a key is no CA: it is what `keyward ca > keyward-ca.pem`
		// run in the data directory leaves, the shell having made the file before keyward ran.
		// The CA is made in a new file; the redirected output still lands in the old one.
		if err := os.Remove(certPath); err != nil {
			return nil, err
		}
		certErr = os.ErrNotExist
	}
	switch {
	case certErr == nil && keyErr == nil:
		return parseCA(certPEM, keyPEM)
	case errors.Is(certErr, os.ErrNotExist) && errors.Is(keyErr, os.ErrNotExist):
		return createCA(dataDir, certPath, keyPath)
	case certErr != nil && !errors.Is(certErr, os.ErrNotExist):
		return nil, certErr
	case keyErr != nil && !errors.Is(keyErr, os.ErrNotExist):
		return nil, keyErr
	}
	return nil, fmt.Errorf("tls: only one of %s and %s exists; remove it to have a new CA made", certPath, keyPath)
}

func createCA(dataDir, certPath, keyPath string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serialNumber(),
		Subject:               pkix.Name{CommonName: "keyward local CA", Organization: []string{"keyward"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	// O_EXCL: two processes starting at once must not overwrite each other's key.
	if err := writeNew(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return nil, err
	}
	if err := writeNew(certPath, certPEM, 0o644); err != nil {
		return nil, err
	}
	return parseCA(certPEM, nil, key)
}

func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// parseCA reads the CA's certificate and its key, given either as PEM or parsed.
func parseCA(certPEM, keyPEM []byte, key ...*ecdsa.PrivateKey) (*CA, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return nil, errors.New("tls: the CA certificate file holds no PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("tls: CA certificate: %w", err)
	}
	ca := &CA{Cert: cert, CertPEM: certPEM}
	if len(key) > 0 {
		ca.key = key[0]
		return ca, nil
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, errors.New("tls: the CA key file holds no PEM key")
	}
	if ca.key, err = x509.ParseECPrivateKey(kb.Bytes); err != nil {
		return nil, fmt.Errorf("tls: CA key: %w", err)
	}
	return ca, nil
}

// serverCertificate signs a certificate for hosts (DNS names or IP addresses).
func (ca *CA) serverCertificate(hosts []string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serialNumber(),
		Subject:      pkix.Name{CommonName: hosts[0], Organization: []string{"keyward"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(serverLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.Cert.Raw}, PrivateKey: key}, nil
}

func serialNumber() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

// ServerTLSConfig is the TLS configuration of `keyward serve --tls`: the given certificate and
// key files, or else a certificate signed by the data directory's CA.
func ServerTLSConfig(cfg config.Config) (*tls.Config, error) {
	var cert tls.Certificate
	var err error
	if cfg.TLSCert != "" {
		cert, err = tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	} else {
		var ca *CA
		if ca, err = LoadOrCreateCA(cfg.DataDir); err == nil {
			cert, err = ca.serverCertificate(serverNames(cfg.Addr))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}, nil
}

// serverNames are the names a local client reaches the server by: the loopback names, the host
// of the listen address, and the machine's host name when that address is a wildcard.
func serverNames(addr string) []string {
	names := []string{"localhost", "127.0.0.1", "::1"}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return names
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		if h, err := os.Hostname(); err == nil {
			host = h
		} else {
			host = ""
		}
	}
	for _, n := range names {
		if n == host {
			return names
		}
	}
	if host != "" {
		names = append(names, host)
	}
	return names
}
