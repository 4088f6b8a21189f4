using Microsoft.EntityFrameworkCore.Migrations;

public partial class AddCurrencyToOrders : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // ruleid: csharp.ef-migration-locks-or-backfills
        migrationBuilder.AddColumn<string>(name: "Currency", table: "Orders", type: "char(3)", nullable: false);
        // ok: csharp.ef-migration-locks-or-backfills
        migrationBuilder.AddColumn<string>(name: "Status", table: "Orders", nullable: false, defaultValue: "pending");
        // ok: csharp.ef-migration-locks-or-backfills
        migrationBuilder.AddColumn<string>(name: "Note", table: "Orders", nullable: true);
        // ruleid: csharp.ef-migration-locks-or-backfills
        migrationBuilder.CreateIndex(name: "IX_Orders_CustomerId", table: "Orders", column: "CustomerId");
        // ruleid: csharp.ef-migration-locks-or-backfills
        migrationBuilder.Sql("UPDATE Orders SET Currency = 'USD' WHERE Currency IS NULL");
        // ok: csharp.ef-migration-locks-or-backfills
        migrationBuilder.Sql("UPDATE TOP (5000) Orders SET Currency = 'USD' WHERE Currency IS NULL");
    }
}

public partial class CreateInvoices : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Invoices",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false),
                CustomerId = table.Column<long>(nullable: false),
            });
        // ok: csharp.ef-migration-locks-or-backfills
        migrationBuilder.CreateIndex(name: "IX_Invoices_CustomerId", table: "Invoices", column: "CustomerId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // ok: csharp.ef-migration-locks-or-backfills
        migrationBuilder.CreateIndex(name: "IX_Orders_Legacy", table: "Orders", column: "LegacyId");
    }
}
