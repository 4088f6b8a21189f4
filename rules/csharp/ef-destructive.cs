using (var scope = app.Services.CreateScope())
{
    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
    // ruleid: csharp.ef-destructive
    db.Database.EnsureDeleted();
    // ok: csharp.ef-destructive
    db.Database.EnsureCreated();
}

public partial class DropLegacy : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // ruleid: csharp.ef-destructive
        migrationBuilder.DropColumn(name: "LegacyTotal", table: "Orders");
        // ruleid: csharp.ef-destructive
        migrationBuilder.DropTable(name: "Coupons");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // ok: csharp.ef-destructive
        migrationBuilder.DropTable(name: "OrdersArchive");
    }
}

public class Startup
{
    public void Migrate(AppDbContext db)
    {
        // ok: csharp.ef-destructive
        db.Database.Migrate();
    }
}
