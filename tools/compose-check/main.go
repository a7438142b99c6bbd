// compose-check loads a compose file the way Docker Compose does (compose-go, its loader): schema validation,
// interpolation against the given env file only (not this process's environment), merging of anchors and
// extends. On success it prints the resolved project as JSON; on failure the loader's error, exit 1.
//
//	compose-check -f docker-compose.yml -env-file .env
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("f", "docker-compose.yml", "the compose file")
	envFile := flag.String("env-file", "", "the .env file to interpolate from (required)")
	flag.Parse()
	if *envFile == "" {
		fail(fmt.Errorf("-env-file is required"))
	}
	dir, err := filepath.Abs(filepath.Dir(*file))
	if err != nil {
		fail(err)
	}
	options, err := cli.NewProjectOptions(
		[]string{*file},
		cli.WithWorkingDirectory(dir),
		cli.WithEnvFiles(*envFile),
		cli.WithDotEnv,
		cli.WithConsistency(true),
		cli.WithResolvedPaths(false),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
