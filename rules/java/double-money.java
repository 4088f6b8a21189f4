public class Invoice {
    // ruleid: java.double-money
    private double totalAmount;
    // ruleid: java.double-money
    private double unitPrice = 19.99;
    // ok: java.double-money
    private double taxRate = 0.19;
    // ok: java.double-money
    private java.math.BigDecimal balance;

    // ruleid: java.double-money
    public void applyDiscount(double discount) {
        this.totalAmount -= discount;
    }

    // ok: java.double-money
    public void scale(double factor) {
        this.totalAmount *= factor;
    }
}
