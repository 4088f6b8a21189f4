resource "kubernetes_deployment_v1" "checkout" {
  metadata {
    name      = "checkout"
    namespace = "production"
  }
  spec {
    replicas = 6
    strategy {
      # ruleid: terraform.rollout-all-at-once
      type = "Recreate"
    }
    selector {
      match_labels = { app = "checkout" }
    }
  }
}

resource "kubernetes_deployment" "api" {
  metadata {
    name = "api"
  }
  spec {
    replicas = 4
    strategy {
      type = "RollingUpdate"
      rolling_update {
        # ruleid: terraform.rollout-all-at-once
        max_unavailable = "100%"
        max_surge       = "0"
      }
    }
  }
}

resource "kubernetes_deployment_v1" "grafana" {
  metadata {
    name = "grafana"
  }
  spec {
    replicas = 1
    strategy {
      # ok: terraform.rollout-all-at-once
      type = "Recreate"
    }
  }
}

resource "kubernetes_deployment_v1" "web" {
  metadata {
    name = "web"
  }
  spec {
    replicas = 6
    strategy {
      type = "RollingUpdate"
      rolling_update {
        # ok: terraform.rollout-all-at-once
        max_unavailable = "25%"
      }
    }
  }
}

resource "launchdarkly_feature_flag_environment" "new_checkout" {
  flag_id = launchdarkly_feature_flag.new_checkout.id
  env_key = "production"
  on      = true
  fallthrough {
    # ruleid: terraform.rollout-all-at-once
    rollout_weights = [100000, 0]
  }
  off_variation = 1
}

resource "launchdarkly_feature_flag_environment" "new_search" {
  flag_id = launchdarkly_feature_flag.new_search.id
  env_key = "production"
  on      = true
  fallthrough {
    # ok: terraform.rollout-all-at-once
    rollout_weights = [10000, 90000]
  }
  off_variation = 1
}
