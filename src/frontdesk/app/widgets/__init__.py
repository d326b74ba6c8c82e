"""Small widgets shared by the screens: status badge, token panel, banner, simulator, inputs."""
