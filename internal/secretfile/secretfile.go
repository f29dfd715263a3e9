// Package secretfile writes a secret to a new file that only its owner can
// read (mode 0600). It never overwrites or appends to an existing file.
package secretfile

import (
	"errors"
	"fmt"
	"os"

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
