// Package secretfile writes a secret to a new file that only its owner can
// read (mode 0600). It never overwrites or appends to an existing file.
package secretfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gitlab-token-wizard/token"
)

// ErrExists is returned when the file is already there.
var ErrExists = errors.New("the file exists")

// Write creates path with mode 0600 and writes the secret and a newline.
func Write(path string, v token.Secret) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if os.IsExist(err) {
		return fmt.Errorf("%s: %w (it is never overwritten): choose another name", path, ErrExists)
	}
	if err != nil {
		return err
	}
	_, err = f.WriteString(v.Reveal() + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
	}
	return err
}

// Free reports an error when path exists or its folder does not, so that a
// command can refuse before it creates anything.
func Free(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s: %w (it is never overwritten): choose another name", path, ErrExists)
	}
	dir := "."
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			dir = path[:i+1]
			break
		}
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s: the folder %s does not exist", path, dir)
	}
	return nil
}

// WriteSomewhere writes the secret to path or, when that fails (the file
// appeared meanwhile, the folder went away or is read-only), to a new file
// with a unique name beside it, else to a new private folder (mode 0700) in
// the system's temporary folder. It returns where the secret went. A token
// that exists must land in a file the user can find, never fall back to a
// terminal.
func WriteSomewhere(path string, v token.Secret) (string, error) {
	first := Write(path, v)
	if first == nil {
		return path, nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if stem == "" {
		stem = "gitlab-token"
	}
	for i := 1; i <= 20; i++ {
		p := filepath.Join(dir, fmt.Sprintf("%s-%d%s", stem, i, ext))
		if err := Write(p, v); err == nil {
			return p, nil
		} else if !errors.Is(err, ErrExists) {
			break // the folder itself fails: try a private one
		}
	}
	p, err := WritePrivate(stem+ext, v)
	if err != nil {
		return "", fmt.Errorf("%v; and %w", first, err)
	}
	return p, nil
}

// WritePrivate writes the secret to a file named name in a new private
// folder (mode 0700) in the system's temporary folder, and returns its path.
func WritePrivate(name string, v token.Secret) (string, error) {
	tmp, err := os.MkdirTemp("", "gitlab-token-")
	if err != nil {
		return "", fmt.Errorf("no temporary folder: %w", err)
	}
	p := filepath.Join(tmp, filepath.Base(name))
	if err := Write(p, v); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("%s: %w", p, err)
	}
	return p, nil
}
