import java.math.BigDecimal;
import java.math.RoundingMode;

class Cart {
    float sum(Cart cart) {
        float total = 0f;
        for (CartItem item : cart.getItems()) {
            // ruleid: java.money-to-binary-float
            total += item.getPrice().floatValue() * item.getQuantity();
        }
        return total;
    }

    double balance(Account account) {
        // ruleid: java.money-to-binary-float
        return account.getBalance().doubleValue();
    }

    double parse(Map<String, String> row) {
        // ruleid: java.money-to-binary-float
        return Double.parseDouble(row.get("amount"));
    }

    BigDecimal sumExact(Cart cart) {
        BigDecimal total = BigDecimal.ZERO;
        for (CartItem item : cart.getItems()) {
            // ok: java.money-to-binary-float
            total = total.add(item.getPrice().multiply(BigDecimal.valueOf(item.getQuantity())));
        }
        return total.setScale(2, RoundingMode.HALF_EVEN);
    }

    double latency(Stats stats) {
        // ok: java.money-to-binary-float
        return stats.getTotalLatency().doubleValue();
    }

    double ratio(Metrics m) {
        // ok: java.money-to-binary-float
        return m.getHitCount().doubleValue() / m.getRequests().doubleValue();
    }
}
