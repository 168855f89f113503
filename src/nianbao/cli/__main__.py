from nianbao.cli.main import run

run()
