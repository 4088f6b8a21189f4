using Microsoft.EntityFrameworkCore.Migrations;

public partial class RenameCustomerName : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // ruleid: csharp.ef-migration-renames-or-narrows
        migrationBuilder.RenameColumn(name: "Name", table: "Customers", newName: "FullName");
        // ruleid: csharp.ef-migration-renames-or-narrows
        migrationBuilder.RenameTable(name: "Orders", newName: "Purchases");
        // ruleid: csharp.ef-migration-renames-or-narrows
        migrationBuilder.AlterColumn<int>(name: "TotalAmount", table: "Orders", type: "int", nullable: false,
            oldClrType: typeof(decimal), oldType: "decimal(18,2)");
        // ok: csharp.ef-migration-renames-or-narrows
        migrationBuilder.AlterColumn<decimal>(name: "TotalAmount", table: "Orders", type: "decimal(19,4)");
        // ok: csharp.ef-migration-renames-or-narrows
        migrationBuilder.AlterColumn<int>(name: "Quantity", table: "OrderLines", nullable: false);
        // ok: csharp.ef-migration-renames-or-narrows
        migrationBuilder.RenameIndex(name: "IX_Orders_Cust", table: "Orders", newName: "IX_Orders_CustomerId");
        // ok: csharp.ef-migration-renames-or-narrows
        migrationBuilder.AddColumn<string>(name: "FullName", table: "Customers", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // ok: csharp.ef-migration-renames-or-narrows
        migrationBuilder.RenameColumn(name: "FullName", table: "Customers", newName: "Name");
    }
}

public partial class DropLegacyEmail : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // ruleid: csharp.ef-migration-renames-or-narrows
        migrationBuilder.Sql("ALTER TABLE Users DROP COLUMN LegacyEmail");
        // ruleid: csharp.ef-migration-renames-or-narrows
        migrationBuilder.Sql(@"EXEC sp_rename 'dbo.Users.Name', 'FullName', 'COLUMN';");
        // ok: csharp.ef-migration-renames-or-narrows
        migrationBuilder.Sql("ALTER TABLE Users ADD TimeZone nvarchar(64) NULL");
    }
}
