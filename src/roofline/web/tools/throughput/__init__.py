"""The throughput estimator's faces on the site: page, result fragment, JSON API and article embed."""
