package store

func migrate(db *gorm.DB) error {
	// ruleid: go.gorm-drop-table
	if err := db.Migrator().DropTable(&User{}, &Order{}); err != nil {
		return err
	}
	return db.AutoMigrate(&User{}, &Order{})
}

func cleanup(db *gorm.DB) error {
	m := db.Migrator()
	// ruleid: go.gorm-drop-table
	return m.DropColumn(&User{}, "legacy_ssn")
}

func migrateOK(db *gorm.DB) error {
	// ok: go.gorm-drop-table
	return db.AutoMigrate(&User{}, &Order{})
}

func TestStore(t *testing.T) {
	db := openTestDB(t)
	// ok: go.gorm-drop-table
	db.Migrator().DropTable(&User{})
}
