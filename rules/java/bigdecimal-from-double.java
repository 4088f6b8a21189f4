import java.math.BigDecimal;

public class Vat {
    // ruleid: java.bigdecimal-from-double
    static final BigDecimal RATE = new BigDecimal(0.19);
    // ruleid: java.bigdecimal-from-double
    static final BigDecimal FEE = new BigDecimal(2.5d);
    // ok: java.bigdecimal-from-double
    static final BigDecimal RATE_OK = new BigDecimal("0.19");
    // ok: java.bigdecimal-from-double
    static final BigDecimal FEE_OK = BigDecimal.valueOf(2.5);
}
